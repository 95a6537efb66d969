/** Helpers on the CoT type tree (a-f-G-U-C …). */

export const isChat = (type: string): boolean => type === 'b-t-f' || type.startsWith('b-t-f-');
export const isDelete = (type: string): boolean => type === 't-x-d-d';
export const isEmergency = (type: string): boolean => type.startsWith('b-a-o-');
export const isPing = (type: string): boolean => type === 't-x-c-t';
