import type { RotationWorldFactory } from "./rotation-world";

/**
 * The rotation worlds the protocol model drives: each runs the real rotation and schedule code
 * (provider/resources, provider/schedule) behind `RotationWorld`. None yet: the totals then count
 * 0 rotations, honestly, until one is listed here.
 */
export const ROTATION_WORLDS: readonly RotationWorldFactory[] = [];
