// core/errors.ts
function errorMessage(error) {
	return error instanceof Error ? error.message : String(error);
}
export { errorMessage as t };
