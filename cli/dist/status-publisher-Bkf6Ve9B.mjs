export { t as StatusPublisher } from "./status-publisher-DSepnawO.mjs";
