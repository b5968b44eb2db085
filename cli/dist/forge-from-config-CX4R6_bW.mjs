export { t as forgeFromConfig } from "./forge-from-config-CQgjaTCG.mjs";
