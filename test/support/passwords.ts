/** Turns each letter 13 places and each digit 5 on, so no character stays itself. */
function rotate(char: string): string {
  const code = char.charCodeAt(0);
  if (/[a-z]/i.test(char)) {
    const base = code >= 97 ? 97 : 65;
    return String.fromCharCode(((code - base + 13) % 26) + base);
  }
  return /[0-9]/.test(char) ? String((Number(char) + 5) % 10) : char;
}

/**
 * The password test helpers give a login: derived from it, so users differ, yet never
 * containing it, which the password policy refuses: 'gina' gets 'pw-tvan-Tp9!'.
 */
export function passwordOf(login: string): string {
  return `pw-${[...login].map(rotate).join('')}-Tp9!`;
}
