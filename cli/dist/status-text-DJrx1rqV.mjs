export { c as cancelReason } from "./status-text-qXXJmof_.mjs";
