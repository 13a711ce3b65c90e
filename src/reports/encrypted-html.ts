import { createCipheriv, createHash, pbkdf2, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import type { QueryResult } from '../plugins/run-host.ts';
import { htmlDocument, REPORT_STYLE } from './html.ts';
import { writeChunks } from './write-lines.ts';

/** How an encrypted HTML report is written. */
export interface EncryptedHtmlOptions {
  title: string;
  /** What the recipient types to open the report; it is not written into the file. */
  password: string;
  signal?: AbortSignal;
}

/** PBKDF2-HMAC-SHA256 iterations: OWASP's recommendation (2023) for this function. */
export const PBKDF2_ITERATIONS = 600_000;

const SALT_BYTES = 16;
/** AES-GCM's standard nonce size. */
const IV_BYTES = 12;
const KEY_BYTES = 32;

const derive = promisify(pbkdf2);

/**
 * What the page runs: derives the key from the typed password with WebCrypto, decrypts the
 * report, and copies the table out of the decrypted document element by element (only the
 * tags the report uses, only their class attribute, text as text), so nothing in it can run.
 */
const OPENER = `
(function () {
  'use strict';
  var form = document.getElementById('unlock');
  var input = document.getElementById('password');
  var message = document.getElementById('message');
  var report = document.getElementById('report');
  var payload = JSON.parse(document.getElementById('payload').textContent);
  var ALLOWED = new Map([
    ['H1', []], ['TABLE', []], ['THEAD', []], ['TBODY', []], ['TR', []], ['TH', []],
    ['TD', ['class']], ['P', []]
  ]);
  function bytes(base64) {
    return Uint8Array.from(atob(base64), function (c) { return c.charCodeAt(0); });
  }
  function copy(node) {
    if (node.nodeType === Node.TEXT_NODE) return document.createTextNode(node.data);
    if (node.nodeType !== Node.ELEMENT_NODE || !ALLOWED.has(node.tagName)) return null;
    var element = document.createElement(node.tagName.toLowerCase());
    ALLOWED.get(node.tagName).forEach(function (name) {
      if (node.hasAttribute(name)) element.setAttribute(name, node.getAttribute(name));
    });
    node.childNodes.forEach(function (child) {
      var copied = copy(child);
      if (copied) element.appendChild(copied);
    });
    return element;
  }
  function show(html) {
    var parsed = new DOMParser().parseFromString(html, 'text/html');
    var nodes = [];
    parsed.body.childNodes.forEach(function (child) {
      var copied = copy(child);
      if (copied) nodes.push(copied);
    });
    report.replaceChildren.apply(report, nodes);
    if (parsed.title) document.title = parsed.title;
    form.hidden = true;
    report.hidden = false;
  }
  async function open(password) {
    var material = await crypto.subtle.importKey(
      'raw', new TextEncoder().encode(password.normalize('NFC')), 'PBKDF2', false, ['deriveKey']);
    var key = await crypto.subtle.deriveKey(
      { name: 'PBKDF2', hash: 'SHA-256', salt: bytes(payload.salt), iterations: payload.iterations },
      material, { name: 'AES-GCM', length: 256 }, false, ['decrypt']);
    try {
      return await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: bytes(payload.iv) }, key, bytes(payload.ciphertext));
    } catch (error) {
      return null;
    }
  }
  var busy = false;
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    if (busy) return;
    if (!window.crypto || !crypto.subtle) {
      message.textContent = 'This browser cannot decrypt the report here: save the file and open it from your disk.';
      return;
    }
    busy = true;
    message.textContent = 'Opening…';
    open(input.value).then(function (plain) {
      if (plain === null) {
        message.textContent = 'Wrong password';
        input.select();
        return;
      }
      input.value = '';
      message.textContent = '';
      show(new TextDecoder().decode(plain));
    }).catch(function (error) {
      message.textContent = 'The report could not be opened: ' + error.message;
    }).finally(function () {
      busy = false;
    });
  });
})();
`;

const PAGE_STYLE = [
  REPORT_STYLE,
  'form{max-width:24rem}',
  'label{display:block;margin:.5rem 0 .25rem}',
  'input{font:inherit;padding:.25rem;width:100%;box-sizing:border-box}',
  'button{font:inherit;margin-top:.5rem;padding:.25rem 1rem}',
  '#message{color:#a40000;font-weight:bold;min-height:1.5em}',
].join('');

function sha256Source(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/**
 * Nothing may load or run but the page's own script and style, named by their hashes; the
 * decrypted report's style is allowed too, as the document DOMParser makes of it holds it.
 */
const POLICY = [
  "default-src 'none'",
  `script-src ${sha256Source(OPENER)}`,
  `style-src ${sha256Source(PAGE_STYLE)} ${sha256Source(REPORT_STYLE)}`,
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** The page up to the ciphertext, which follows as base64 inside the payload's JSON. */
function pageHead(salt: Buffer, iv: Buffer): string {
  const parameters = JSON.stringify({
    version: 1,
    cipher: 'AES-256-GCM',
    kdf: 'PBKDF2-SHA256',
    iterations: PBKDF2_ITERATIONS,
    salt: salt.toString('base64'),
    iv: iv.toString('base64'),
  });
  return [
    '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
    `<meta http-equiv="Content-Security-Policy" content="${POLICY}">\n`,
    '<meta name="referrer" content="no-referrer">\n',
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
    `<title>Encrypted report</title>\n<style>${PAGE_STYLE}</style>\n</head>\n<body>\n`,
    '<form id="unlock">\n<h1>Encrypted report</h1>\n',
    '<p>This report is encrypted. Type the password you were given to open it.</p>\n',
    '<label for="password">Password</label>\n',
    '<input id="password" type="password" autocomplete="off" autofocus required>\n',
    '<button type="submit">Open</button>\n<p id="message" role="alert"></p>\n</form>\n',
    '<noscript><p>Opening this report needs JavaScript.</p></noscript>\n',
    '<div id="report" hidden></div>\n',
    `<script id="payload" type="application/json">${parameters.slice(0, -1)},"ciphertext":"`,
  ].join('');
}

const PAGE_TAIL = `"}</script>\n<script>${OPENER}</script>\n</body>\n</html>\n`;

/** Base64 of a byte stream in pieces: whole groups of three bytes now, the rest with the next. */
class Base64Pieces {
  #left = Buffer.alloc(0);

  push(bytes: Buffer): string {
    const all = Buffer.concat([this.#left, bytes]);
    const whole = all.length - (all.length % 3);
    this.#left = all.subarray(whole);
    return all.subarray(0, whole).toString('base64');
  }

  end(): string {
    return this.#left.toString('base64');
  }
}

/** The page in chunks, the report's HTML encrypted as it is rendered; the tag ends the ciphertext. */
function* encryptedPage(
  result: QueryResult,
  title: string,
  key: Buffer,
  salt: Buffer,
  iv: Buffer,
): Generator<string> {
  yield pageHead(salt, iv);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const base64 = new Base64Pieces();
  for (const chunk of htmlDocument(result, title)) {
    const piece = base64.push(cipher.update(chunk, 'utf8'));
    if (piece !== '') yield piece;
  }
  // WebCrypto expects the 16-byte tag after the ciphertext.
  yield base64.push(Buffer.concat([cipher.final(), cipher.getAuthTag()])) + base64.end();
  yield PAGE_TAIL;
}

/**
 * Writes the HTML report (the same table as the html format) encrypted into one self-contained
 * page: AES-256-GCM under a key derived from the password with PBKDF2-SHA256, the salt,
 * iterations and IV beside the ciphertext. The page decrypts it in the browser with WebCrypto
 * when the recipient types the password; it loads nothing (its CSP allows only its own script
 * and style).
 */
export async function writeEncryptedHtml(
  result: QueryResult,
  path: string,
  options: EncryptedHtmlOptions,
): Promise<void> {
  if (options.password === '') throw new Error('the html-encrypted format needs a password');
  if (options.signal?.aborted) throw new Error('stopped before the report was written');
  const salt = randomBytes(SALT_BYTES);
  const iv = randomBytes(IV_BYTES);
  // Asynchronous: the 600,000 rounds run on libuv's pool, not the event loop.
  const key = await derive(
    options.password.normalize('NFC'),
    salt,
    PBKDF2_ITERATIONS,
    KEY_BYTES,
    'sha256',
  );
  const chunks = encryptedPage(result, options.title, key, salt, iv);
  await writeChunks(path, chunks, options.signal);
}
