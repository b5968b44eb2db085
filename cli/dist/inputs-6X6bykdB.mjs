export { t as INPUT_DEFAULTS, n as RENAMED_INPUTS, r as readSettings } from "./inputs-D8gZ6Osp.mjs";
