import { PAIR_ROTATION_WORLD } from "./pair-rotation-world";
import type { RotationWorldFactory } from "./rotation-world";

/** The rotation worlds the protocol model drives: each runs the real rotation and schedule code behind `RotationWorld`. */
export const ROTATION_WORLDS: readonly RotationWorldFactory[] = [PAIR_ROTATION_WORLD];
