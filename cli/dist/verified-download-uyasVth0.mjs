export { n as sha256OfFile } from "./verified-download-BD8RsYE5.mjs";
