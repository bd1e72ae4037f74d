// Grafana's named visualization colours (per theme) and its classic palette.

export type Theme = 'dark' | 'light';

const HUES = ['red', 'orange', 'yellow', 'green', 'blue', 'purple'] as const;
const SHADES = ['super-light-', 'light-', '', 'semi-dark-', 'dark-'] as const;

// Per hue: super-light, light, primary, semi-dark, dark.
const DARK: Record<string, string[]> = {
  red: ['#FFA6B0', '#FF7383', '#F2495C', '#E02F44', '#C4162A'],
  orange: ['#FFCB7D', '#FFB357', '#FF9830', '#FF780A', '#FA6400'],
  yellow: ['#FFF899', '#FFEE52', '#FADE2A', '#F2CC0C', '#E0B400'],
  green: ['#C8F2C2', '#96D98D', '#73BF69', '#56A64B', '#37872D'],
  blue: ['#C0D8FF', '#8AB8FF', '#5794F2', '#3274D9', '#1F60C4'],
  purple: ['#DEB6F2', '#CA95E5', '#B877D9', '#A352CC', '#8F3BB8'],
};

const LIGHT: Record<string, string[]> = {
  red: ['#FF7383', '#F2495C', '#E02F44', '#C4162A', '#AD0317'],
  orange: ['#FFB357', '#FF9830', '#FF780A', '#FA6400', '#E55400'],
  yellow: ['#FFEE52', '#FADE2A', '#F2CC0C', '#E0B400', '#CC9D00'],
  green: ['#96D98D', '#73BF69', '#56A64B', '#37872D', '#19730E'],
  blue: ['#8AB8FF', '#5794F2', '#3274D9', '#1F60C4', '#1250B0'],
  purple: ['#CA95E5', '#B877D9', '#A352CC', '#8F3BB8', '#7C2EA3'],
};

function buildIndex(table: Record<string, string[]>): Map<string, string> {
  const m = new Map<string, string>();
  for (const hue of HUES) {
    SHADES.forEach((shade, i) => m.set(shade + hue, table[hue]![i]!));
  }
  return m;
}

const INDEX: Record<Theme, Map<string, string>> = { dark: buildIndex(DARK), light: buildIndex(LIGHT) };

/** The classic palette ("palette-classic"): named colours first, then fixed hex colours. */
export const CLASSIC_PALETTE = [
  'green', 'yellow', 'blue', 'orange', 'red', 'purple',
  'dark-green', 'dark-yellow', 'dark-blue', 'dark-orange', 'dark-red', 'dark-purple',
  'super-light-green', 'super-light-yellow', 'super-light-blue', 'super-light-orange', 'super-light-red',
  'super-light-purple',
  '#447EBC', '#C15C17', '#890F02', '#0A437C', '#6D1F62', '#584477', '#B7DBAB', '#F4D598', '#70DBED',
  '#F9BA8F', '#F29191', '#82B5D8', '#E5A8E2', '#AEA2E0', '#629E51', '#E5AC0E', '#64B0C8', '#E0752D',
  '#BF1B00', '#0A50A1', '#962D82', '#614D93', '#9AC48A', '#F2C96D', '#65C5DB', '#F9934E', '#EA6460',
  '#5195CE', '#D683CE', '#806EB7', '#3F6833', '#967302', '#2F575E', '#99440A', '#58140C', '#052B51',
  '#511749', '#3F2B5B', '#E0F9D7', '#FCEACA', '#CFFAFF', '#F9E2D2', '#FCE2DE', '#BADFF4', '#F9D9F9',
  '#DEDAF7',
];

/** Resolves a Grafana colour name ("green", "semi-dark-red", "#hex", "rgb(…)", CSS names). */
export function resolveColor(name: string | undefined | null, theme: Theme): string {
  if (!name) return theme === 'dark' ? '#CCCCDC' : '#24292E';
  const known = INDEX[theme].get(name);
  if (known) return known;
  if (name === 'text') return theme === 'dark' ? '#CCCCDC' : '#24292E';
  if (name === 'transparent') return 'rgba(0,0,0,0)';
  return name; // #hex, rgb(), CSS colour names work as they are
}

export function classicColor(index: number, theme: Theme): string {
  const n = CLASSIC_PALETTE.length;
  return resolveColor(CLASSIC_PALETTE[((index % n) + n) % n], theme);
}

/** Adds alpha to a #rgb/#rrggbb colour (other syntaxes are returned unchanged). */
export function withAlpha(color: string, alpha: number): string {
  const a = Math.max(0, Math.min(1, alpha));
  let hex = color.trim();
  if (/^#[0-9a-f]{3}$/i.test(hex)) hex = '#' + [...hex.slice(1)].map((c) => c + c).join('');
  if (/^#[0-9a-f]{6}$/i.test(hex)) {
    const r = parseInt(hex.slice(1, 3), 16);
    const g = parseInt(hex.slice(3, 5), 16);
    const b = parseInt(hex.slice(5, 7), 16);
    return `rgba(${r}, ${g}, ${b}, ${a})`;
  }
  return color;
}

/** Black or white text, whichever reads better on the background. */
export function contrastText(background: string): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})/i.exec(background);
  if (!m) return '#ffffff';
  const [r, g, b] = [m[1]!, m[2]!, m[3]!].map((h) => parseInt(h, 16) / 255);
  const lum = 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  return lum > 0.6 ? '#111217' : '#ffffff';
}
