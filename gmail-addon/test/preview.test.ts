import { expect, it } from 'vitest';
import { cardTextToHtml, cardToHtml } from './preview.ts';

it('keeps the tags card text allows and shows the rest as text', () => {
  expect(cardTextToHtml('<b>To respond</b>\n&lt;x&gt; <script>')).toBe('<b>To respond</b><br>&lt;x&gt; &lt;script>');
  expect(cardTextToHtml('<font color="#b3261e">Reconnect</font> <font onload="x">')).toBe(
    '<font color="#b3261e">Reconnect</font> &lt;font onload="x">',
  );
});

it('renders a card with header, widgets and a primary button', () => {
  const html = cardToHtml({
    kind: 'Card',
    header: { kind: 'CardHeader', title: 'To respond', subtitle: 'Q3 <numbers>' },
    sections: [
      {
        kind: 'CardSection',
        widgets: [
          { kind: 'DecoratedText', topLabel: 'Category', text: '<b>To respond</b>' },
          {
            kind: 'ButtonSet',
            buttons: [{ kind: 'TextButton', text: 'Create draft reply', textButtonStyle: 'FILLED' }],
          },
        ],
      },
    ],
  });
  expect(html).toContain('<h1>To respond</h1><p>Q3 &lt;numbers&gt;</p>');
  expect(html).toContain('<div><b>To respond</b></div>');
  expect(html).toContain('<button class="filled">Create draft reply</button>');
});
