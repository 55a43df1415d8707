import { Parser } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { htmlparser2IsLinear, PLAIN_STACK_DEPTH } from '../../src/mail/linear-htmlparser.ts';

/** htmlparser2 with its own plain arrays, as shipped (quadratic on deep nesting, so only for small input). */
class ShippedParser extends Parser {}
for (const field of ['stack', 'foreignContext']) {
  const key = Symbol(field);
  Object.defineProperty(ShippedParser.prototype, field, {
    get(this: Record<symbol, unknown>) {
      return this[key];
    },
    set(this: Record<symbol, unknown>, value: unknown) {
      this[key] = value;
    },
  });
}

function events(ParserClass: typeof Parser, html: string): string[] {
  const out: string[] = [];
  const parser = new ParserClass({
    onopentag: (name, _attribs, implied) => out.push(`<${name}${implied ? '?' : ''}>`),
    onclosetag: (name, implied) => out.push(`</${name}${implied ? '?' : ''}>`),
    ontext: (text) => out.push(text),
  });
  parser.write(html);
  parser.end();
  return out;
}

describe('linear htmlparser2 stack', () => {
  it('is installed on both copies of htmlparser2', () => {
    expect(htmlparser2IsLinear()).toBe(true);
  });

  it('gives the events of the shipped parser below, across and above the depth where it switches', () => {
    const deep = PLAIN_STACK_DEPTH + 50;
    const documents = [
      '<p>a<div>b</p>c<li>d<li>e</ul>f</p>',
      `${'<div><span>'.repeat(deep / 2)}x${'</div>'.repeat(deep / 4)}<p>y</p>${'</span>'.repeat(deep)}z`,
      `${'<b><i>'.repeat(deep)}x</x></p><br/></br>${'<table><tr><td>cell'.repeat(deep / 3)}<svg><path/><title>t</title></svg>`,
      `${'<ul><li>item<p>para'.repeat(deep)}<math><mi>x</mi></math>${'</li></ul>'.repeat(deep / 2)}`,
      `<svg>${'<g>'.repeat(deep)}<rect/>${'</g>'.repeat(deep)}</svg><div/>after`,
    ];
    for (const html of documents) expect(events(Parser, html)).toEqual(events(ShippedParser, html));
  });
});
