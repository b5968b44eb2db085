export { t as formatBytes, n as transferProgress } from "./transfer-progress-Zwi4JGp4.mjs";
