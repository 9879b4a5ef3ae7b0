// Types of the vendored preact/hooks build: those of the package pinned in package.json.
export * from 'preact/hooks';
