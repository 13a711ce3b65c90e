import { validationError } from '../domain/errors.ts';
import type { RevisionCondition } from '../domain/task-schema.ts';

/*
 * If-Match as RFC 9110 (13.1.1) defines it: "*", or a comma-separated list of entity tags,
 * each "opaque" or W/"opaque". Our ETags are the strong "<revision>", and If-Match compares
 * strongly, so a weak tag is well-formed but never matches.
 */

/** One piece of the header: blanks, a comma, or an entity tag (weak marker, opaque part). */
const PIECE = /([ \t]+)|(,)|(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"/y;

/** A revision as its ETag spells it: digits without leading zeros. */
const REVISION = /^[1-9]\d{0,14}$/;

interface EntityTag {
  weak: boolean;
  opaque: string;
}

/** The tags of a list, or undefined when the text is not one (tags must be comma-separated). */
function entityTags(text: string): EntityTag[] | undefined {
  const tags: EntityTag[] = [];
  const piece = new RegExp(PIECE);
  let afterTag = false;
  while (piece.lastIndex < text.length) {
    const match = piece.exec(text);
    if (!match) return undefined;
    if (match[2] !== undefined) afterTag = false;
    else if (match[1] === undefined) {
      if (afterTag) return undefined;
      tags.push({ weak: match[3] !== undefined, opaque: match[4] ?? '' });
      afterTag = true;
    }
  }
  return tags.length > 0 ? tags : undefined;
}

function malformed(): Error {
  const message = 'must be an entity tag such as "3" (quoted), or *';
  return validationError([{ in: 'header', path: '/if-match', message }]);
}

/**
 * What an If-Match header asks of a task's revision (undefined without one); a value that is
 * not "*" or a list of entity tags is a 400.
 */
export function revisionCondition(header: string | undefined): RevisionCondition | undefined {
  if (header === undefined) return undefined;
  if (header.trim() === '*') return '*';
  const tags = entityTags(header);
  if (!tags) throw malformed();
  return tags
    .filter((tag) => !tag.weak && REVISION.test(tag.opaque))
    .map((tag) => Number(tag.opaque));
}
