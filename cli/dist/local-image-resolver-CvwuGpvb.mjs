export { t as LocalImageResolver } from "./local-image-resolver-BHnhcvib.mjs";
