export { t as RecipeImageBuilder } from "./recipe-image-builder-DzVMwhvk.mjs";
