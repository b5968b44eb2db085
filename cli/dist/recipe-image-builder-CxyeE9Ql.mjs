export { t as RecipeImageBuilder } from "./recipe-image-builder-X_J1jSQo.mjs";
