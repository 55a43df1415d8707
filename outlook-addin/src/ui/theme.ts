import { type Theme, webDarkTheme, webLightTheme } from '@fluentui/react-components';
import type { HostTheme } from '../mailbox/port.ts';

/** Follows the Office theme: a dark body colour in Outlook means the dark Fluent theme in the pane. */
export function themeFor(host: HostTheme | null, prefersDark = false): Theme {
  if (!host) return prefersDark ? webDarkTheme : webLightTheme;
  const dark = relativeLuminance(host.bodyBackgroundColor) < 0.35;
  const base = dark ? webDarkTheme : webLightTheme;
  return {
    ...base,
    colorNeutralBackground1: host.bodyBackgroundColor,
    colorNeutralForeground1: host.bodyForegroundColor,
  };
}

/** WCAG relative luminance of a #rgb / #rrggbb colour; unreadable colours count as light. */
export function relativeLuminance(hex: string): number {
  const match = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(hex.trim());
  if (!match?.[1]) return 1;
  const digits = match[1].length === 3 ? [...match[1]].map((d) => d + d).join('') : match[1];
  const [r, g, b] = [0, 2, 4].map((i) => {
    const channel = Number.parseInt(digits.slice(i, i + 2), 16) / 255;
    return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
