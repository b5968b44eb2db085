export { t as forgeFromConfig } from "./forge-from-config-V_8_4OpG.mjs";
