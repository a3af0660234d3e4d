import { useEffect, useRef, useState } from "preact/hooks";

import { type Schemas, api, call } from "../api/client";
import { formatTime, t } from "../i18n";
import { FailurePanel } from "./Failure";
import { MoreButton, usePaged } from "./paged";

type FeedSource = Schemas["FeedSource"];

/** Feed sources with their health, a page at a time with the API's cursor. */
export function Feeds() {
  const heading = useRef<HTMLHeadingElement>(null);
  const [enabled, setEnabled] = useState(true);
  const paged = usePaged<FeedSource>(
    (after) =>
      call(() =>
        api.GET("/v1/ops/feeds", { params: { query: { enabled, limit: 50, ...(after ? { cursor: after } : {}) } } }),
      ),
    [enabled],
  );
  const { items, failure } = paged;

  useEffect(() => heading.current?.focus(), []);

  return (
    <section aria-labelledby="feeds-title">
      <h1 id="feeds-title" tabIndex={-1} ref={heading}>
        {t("feeds.title")}
      </h1>
      <div class="field checkbox">
        <input id="feeds-disabled" type="checkbox" checked={!enabled} onChange={(e) => setEnabled(!e.currentTarget.checked)} />
        <label for="feeds-disabled">{t("feeds.show_disabled")}</label>
      </div>
      {failure ? <FailurePanel what={t("feeds.load_failed")} failure={failure} onRetry={paged.more} /> : null}
      {items === null && !failure ? <p role="status">{t("feeds.loading")}</p> : null}
      {items && items.length === 0 ? <p>{enabled ? t("feeds.empty") : t("feeds.empty_disabled")}</p> : null}
      {items && items.length > 0 ? (
        <table>
          <caption>{t("feeds.count", { count: items.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t("feeds.source")}</th>
              <th scope="col">{t("feeds.health")}</th>
              <th scope="col">{t("feeds.last_success")}</th>
              <th scope="col">{t("feeds.next_poll")}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((feed) => (
              <tr key={feed.source_id} data-source-id={feed.source_id}>
                <th scope="row">
                  <span class="feed-type">{feed.type}</span> {feed.url ?? feed.query ?? ""}
                </th>
                <td>
                  {feed.health.unhealthy
                    ? t("feeds.unhealthy", { failures: feed.health.consecutive_failures, error: feed.health.last_error ?? "" })
                    : t("feeds.healthy")}
                </td>
                <td>{feed.health.last_success_at ? formatTime(feed.health.last_success_at) : t("feeds.never")}</td>
                <td>{feed.enabled ? formatTime(feed.next_poll_at) : t("feeds.disabled")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <MoreButton paged={paged} />
    </section>
  );
}
