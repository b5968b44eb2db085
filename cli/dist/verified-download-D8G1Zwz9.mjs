export { n as sha256OfFile } from "./verified-download-D4Tnk3pv.mjs";
