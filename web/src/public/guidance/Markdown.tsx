// The Markdown the API serves (guidance, portal articles) as elements, never as HTML: headings,
// paragraphs, lists, bold, italics and links (http(s) and in-app only). Anything else is text.
import type { ComponentChildren } from "preact";

const INLINE = /\*\*(.+?)\*\*|\*(.+?)\*|\[([^\]]+)\]\(([^)\s]+)\)/g;

function inline(text: string): ComponentChildren[] {
  const out: ComponentChildren[] = [];
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    const at = match.index ?? 0;
    if (at > last) out.push(text.slice(last, at));
    const [, bold, italic, label, url] = match;
    if (bold !== undefined) out.push(<strong>{inline(bold)}</strong>);
    else if (italic !== undefined) out.push(<em>{inline(italic)}</em>);
    else if (label !== undefined && url !== undefined)
      out.push(/^(https?:|#|mailto:|tel:)/i.test(url) ? <a href={url}>{label}</a> : label);
    last = at + match[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

type Block = { kind: "h"; level: number; text: string } | { kind: "p"; text: string } | { kind: "ul" | "ol"; items: string[] };

function blocks(markdown: string): Block[] {
  const out: Block[] = [];
  let paragraph: string[] = [];
  let list: { kind: "ul" | "ol"; items: string[] } | null = null;
  const flush = () => {
    if (paragraph.length) out.push({ kind: "p", text: paragraph.join(" ") });
    paragraph = [];
    if (list) out.push(list);
    list = null;
  };
  for (const raw of markdown.replace(/^---\n[\s\S]*?\n---\n/, "").split("\n")) {
    const line = raw.trimEnd();
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    const bullet = /^\s*[-*+]\s+(.*)$/.exec(line);
    const numbered = /^\s*\d+[.)]\s+(.*)$/.exec(line);
    if (heading) {
      flush();
      out.push({ kind: "h", level: heading[1]?.length ?? 1, text: heading[2] ?? "" });
    } else if (bullet || numbered) {
      const kind = bullet ? "ul" : "ol";
      if (paragraph.length || (list && list.kind !== kind)) flush();
      list ??= { kind, items: [] };
      list.items.push((bullet ?? numbered)?.[1] ?? "");
    } else if (!line.trim()) {
      flush();
    } else if (list && /^\s+/.test(raw)) {
      const items = list.items;
      items[items.length - 1] += ` ${line.trim()}`;
    } else {
      if (list) flush();
      paragraph.push(line.trim());
    }
  }
  flush();
  return out;
}

/**
 * ``markdown`` as elements. Its headings start at ``top`` (the page has its own h1), so the
 * outline stays right: the document's "#" becomes ``top``, "##" the next level, and so on.
 */
export function Markdown({ markdown, top = 2, skipTitle = false }: { markdown: string; top?: number; skipTitle?: boolean }) {
  let parts = blocks(markdown);
  if (skipTitle && parts[0]?.kind === "h") parts = parts.slice(1);
  const shallowest = Math.min(...parts.flatMap((b) => (b.kind === "h" ? [b.level] : [6])));
  return (
    <div class="markdown">
      {parts.map((block, index) => {
        if (block.kind === "p") return <p key={index}>{inline(block.text)}</p>;
        if (block.kind === "h") {
          const level = Math.min(6, top + block.level - shallowest);
          const Tag = `h${level}` as "h2";
          return <Tag key={index}>{inline(block.text)}</Tag>;
        }
        const List = block.kind;
        return (
          <List key={index}>
            {block.items.map((item, i) => (
              <li key={i}>{inline(item)}</li>
            ))}
          </List>
        );
      })}
    </div>
  );
}
