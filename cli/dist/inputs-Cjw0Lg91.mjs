export { t as INPUT_DEFAULTS, n as RENAMED_INPUTS, r as TARGET_NAMES, i as parseTrust, a as readSettings } from "./inputs-7BubY8GO.mjs";
