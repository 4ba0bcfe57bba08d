export { extractBoxed } from './reward-boxed.js';
