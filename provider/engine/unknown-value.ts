/** What the engine sends for a value not known yet (during preview). Any input may be one. */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
