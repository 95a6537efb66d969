/** Helpers on the CoT type tree (a-f-G-U-C …). */

/** Affiliation letter of an atom type (`a-f-…` -> 'f'), or undefined for non-atoms. */
export function affiliationOf(type: string): string | undefined {
  return type.startsWith('a-') && type.length >= 3 ? type[2] : undefined;
}

/** Position reports and other atoms: coalescable latest-wins updates. */
export function isAtom(type: string): boolean {
  return type.startsWith('a-');
}

export const isChat = (type: string): boolean => type === 'b-t-f' || type.startsWith('b-t-f-');
export const isDelete = (type: string): boolean => type === 't-x-d-d';
export const isEmergency = (type: string): boolean => type.startsWith('b-a-o-');
export const isPing = (type: string): boolean => type === 't-x-c-t';
export const isControl = (type: string): boolean => type.startsWith('t-x-takp') || type.startsWith('t-x-c-t');
