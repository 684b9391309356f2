export function bundleIsFresh(root: string, bundle: string): boolean;
