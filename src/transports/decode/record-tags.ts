/** The tags and sizes of records.ts, shared by its writer and reader. */

export const T_UNDEF = 0;
export const T_NULL = 1;
export const T_TRUE = 2;
export const T_FALSE = 3;
export const T_NUM = 4;
export const T_STR = 5;
export const T_STR_SLOT = 6;
export const T_STR_REF = 7;
export const T_OBJ = 8;
export const T_OBJ_SLOT = 9;
export const T_OBJ_REF = 10;
export const T_ARR = 11;
/** A detail element ({name, xml}) without keys, with or without a slot. */
export const T_EL = 12;
export const T_EL_SLOT = 13;

/** Optional `<event>` attributes, in the order of the mask bits. */
export const OPTIONAL = ['access', 'qos', 'opex', 'caveat', 'releasableTo'] as const;

/** Slots per connection and kind (strings, objects). */
export const SLOTS = 64;
/** Longer strings are not given a slot (a sender's repeated long texts sit inside objects that are). */
export const MAX_SLOT_CHARS = 64;
