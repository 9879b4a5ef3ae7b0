// Types of the vendored htm build: those of the package pinned in package.json.
import htm from 'htm';
export default htm;
