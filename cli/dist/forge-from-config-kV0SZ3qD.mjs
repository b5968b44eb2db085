export { t as forgeFromConfig } from "./forge-from-config-B0473jSG.mjs";
