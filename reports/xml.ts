/** The smallest XML writer the JUnit report needs: escaped text and attributes, nothing more. */

/** Characters XML 1.0 cannot hold at all (control characters but tab, newline, return). */
// eslint-disable-next-line no-control-regex
const INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export function escapeXml(text: string): string {
  return text
    .replace(INVALID, '\uFFFD')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}

export type Attributes = Record<string, string | number | undefined>;

function attributes(attrs: Attributes): string {
  return Object.entries(attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join('');
}

/** An element: children are already-written XML, `text` is escaped content. */
export function element(name: string, attrs: Attributes, children: string[] | { text: string } = []): string {
  if (!Array.isArray(children)) return `<${name}${attributes(attrs)}>${escapeXml(children.text)}</${name}>`;
  if (children.length === 0) return `<${name}${attributes(attrs)}/>`;
  const inner = children.map((c) => c.replace(/^/gm, '  ')).join('\n');
  return `<${name}${attributes(attrs)}>\n${inner}\n</${name}>`;
}
