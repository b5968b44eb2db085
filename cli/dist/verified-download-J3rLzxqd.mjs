export { n as sha256OfFile } from "./verified-download-BpvJJccb.mjs";
