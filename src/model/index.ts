export * from './span.js';
export * from './frame.js';
export * from './kernel.js';
export * from './lock-kind.js';
export * from './scenario.js';
export * from './findings.js';
export * from './timeline.js';
