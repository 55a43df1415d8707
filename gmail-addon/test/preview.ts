/** Renders recorded card JSON as an HTML page that looks roughly like Gmail's sidebar, for screenshots. */
import type { Json, JsonNode } from './fakes/index.ts';

/** Card text allows a few tags (<b>, <i>, <u>, <br>, <font color>); everything else is shown as text, as Gmail does. */
export function cardTextToHtml(text: string): string {
  return text.replace(/<(?!\/?(b|i|u|br|font)>|font color="#[0-9a-f]{6}">)/gi, '&lt;').replace(/\n/g, '<br>');
}

function esc(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);
}

const str = (v: Json | undefined): string => (typeof v === 'string' ? v : '');

function widget(w: JsonNode): string {
  switch (w.kind) {
    case 'TextParagraph':
      return `<p class="para">${cardTextToHtml(str(w.text))}</p>`;
    case 'DecoratedText':
      return `<div class="deco">${w.topLabel ? `<div class="label">${esc(str(w.topLabel))}</div>` : ''}<div>${cardTextToHtml(str(w.text))}</div>${
        w.bottomLabel ? `<div class="label">${esc(str(w.bottomLabel))}</div>` : ''
      }</div>`;
    case 'TextInput':
      return `<label class="input"><span>${esc(str(w.title))}</span><input value="${esc(str(w.value))}" placeholder="${esc(str(w.hint))}"></label>`;
    case 'SelectionInput': {
      const items = (Array.isArray(w.items) ? w.items : []) as Json[][];
      if (w.type === 'DROPDOWN') {
        return `<label class="input"><span>${esc(str(w.title))}</span><select>${items
          .map((i) => `<option${i[2] ? ' selected' : ''}>${esc(String(i[0]))}</option>`)
          .join('')}</select></label>`;
      }
      return `<fieldset><legend>${esc(str(w.title))}</legend>${items
        .map((i) => `<label class="radio"><input type="radio" ${i[2] ? 'checked' : ''}> ${esc(String(i[0]))}</label>`)
        .join('')}</fieldset>`;
    }
    case 'ButtonSet':
      return `<div class="buttons">${((w.buttons ?? []) as JsonNode[])
        .map((b) => `<button class="${b.textButtonStyle === 'FILLED' ? 'filled' : ''}">${esc(str(b.text))}</button>`)
        .join('')}</div>`;
    default:
      return `<div class="unknown">${esc(w.kind)}</div>`;
  }
}

export function cardToHtml(card: JsonNode): string {
  const header = (card.header ?? {}) as JsonNode;
  const sections = ((card.sections ?? []) as JsonNode[])
    .map(
      (s) =>
        `<section>${s.header ? `<h3>${cardTextToHtml(str(s.header))}</h3>` : ''}${((s.widgets ?? []) as JsonNode[]).map(widget).join('')}</section>`,
    )
    .join('');
  return `<!doctype html><html><head><meta charset="utf-8"><style>
body{margin:0;background:#f1f3f4;font:14px/1.45 Roboto,Arial,sans-serif;color:#202124}
.card{width:320px;margin:12px;background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.2);overflow:hidden}
header{padding:14px 16px;border-bottom:1px solid #e0e0e0}header h1{font-size:18px;margin:0;font-weight:500}
header p{margin:2px 0 0;color:#5f6368;font-size:12px}section{padding:10px 16px;border-bottom:1px solid #eee}
h3{font-size:13px;margin:4px 0 8px;color:#5f6368;font-weight:500}.label{font-size:12px;color:#5f6368}
.deco{margin:6px 0}.para{margin:6px 0}.input{display:block;margin:8px 0}.input span{display:block;font-size:12px;color:#5f6368}
.input input,.input select{width:100%;box-sizing:border-box;padding:6px;border:1px solid #dadce0;border-radius:4px}
fieldset{border:0;padding:0;margin:8px 0}legend{font-size:12px;color:#5f6368}.radio{display:block}
.buttons{display:flex;flex-wrap:wrap;gap:8px;margin:8px 0}button{border:1px solid #dadce0;background:#fff;color:#1a73e8;border-radius:4px;padding:6px 12px;font-weight:500}
button.filled{background:#1a73e8;color:#fff;border-color:#1a73e8}
</style></head><body><div class="card"><header><h1>${esc(str(header.title))}</h1>${
    header.subtitle ? `<p>${esc(str(header.subtitle))}</p>` : ''
  }</header>${sections}</div></body></html>`;
}
