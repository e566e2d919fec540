/**
 * models/: the image model rules as data (one row per family), resolution of a free-form model id to
 * its family, retirements, and the rules in words. Nothing else in the core branches on a model id.
 * May import: types, image/sniff (type names). Pure, no I/O.
 */
export * from './families.js';
export * from './resolve.js';
export * from './retirements.js';
export * from './describe.js';
