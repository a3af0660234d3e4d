// The countries a person can pick (ISO 3166-1 alpha-2, exactly the contract's list: a code the
// contract lacks or misses is a type error below), named in the person's language by the browser.
import type { Schemas } from "../api";
import { language } from "../i18n";

export type Country = Schemas["ComplaintIn"]["origin_country"];

const CODES = ["AD","AE","AF","AG","AI","AL","AM","AO","AQ","AR","AS","AT","AU","AW","AX","AZ","BA","BB","BD","BE","BF","BG","BH","BI","BJ","BL","BM","BN","BO","BQ","BR","BS","BT","BV","BW","BY","BZ","CA","CC","CD","CF","CG","CH","CI","CK","CL","CM","CN","CO","CR","CU","CV","CW","CX","CY","CZ","DE","DJ","DK","DM","DO","DZ","EC","EE","EG","EH","ER","ES","ET","FI","FJ","FK","FM","FO","FR","GA","GB","GD","GE","GF","GG","GH","GI","GL","GM","GN","GP","GQ","GR","GS","GT","GU","GW","GY","HK","HM","HN","HR","HT","HU","ID","IE","IL","IM","IN","IO","IQ","IR","IS","IT","JE","JM","JO","JP","KE","KG","KH","KI","KM","KN","KP","KR","KW","KY","KZ","LA","LB","LC","LI","LK","LR","LS","LT","LU","LV","LY","MA","MC","MD","ME","MF","MG","MH","MK","ML","MM","MN","MO","MP","MQ","MR","MS","MT","MU","MV","MW","MX","MY","MZ","NA","NC","NE","NF","NG","NI","NL","NO","NP","NR","NU","NZ","OM","PA","PE","PF","PG","PH","PK","PL","PM","PN","PR","PS","PT","PW","PY","QA","RE","RO","RS","RU","RW","SA","SB","SC","SD","SE","SG","SH","SI","SJ","SK","SL","SM","SN","SO","SR","SS","ST","SV","SX","SY","SZ","TC","TD","TF","TG","TH","TJ","TK","TL","TM","TN","TO","TR","TT","TV","TW","TZ","UA","UG","UM","US","UY","UZ","VA","VC","VE","VG","VI","VN","VU","WF","WS","YE","YT","ZA","ZM","ZW"] as const satisfies readonly Country[];

// Every code of the contract is listed (a new one would make this type `true` fail).
type Missing = Exclude<Country, (typeof CODES)[number]>;
const complete: [Missing] extends [never] ? true : false = true;
void complete;

export function isCountry(value: string): value is Country {
  return (CODES as readonly string[]).includes(value);
}

/** The country's name in the current language (its code when the browser has no name for it). */
export function countryName(code: string): string {
  try {
    return new Intl.DisplayNames([language()], { type: "region" }).of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}

/** Every country as an option, sorted by its name in the current language. */
export function countryOptions(): { value: string; label: string }[] {
  const collator = new Intl.Collator(language());
  return CODES.map((code) => ({ value: code, label: countryName(code) })).sort((a, b) =>
    collator.compare(a.label, b.label),
  );
}
