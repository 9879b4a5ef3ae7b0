// Types of the vendored preact build: those of the package pinned in package.json.
export * from 'preact';
