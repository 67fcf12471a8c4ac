/** The teaching page (lockdep-sim html): Scenario + Report with a timeline → one self-contained HTML file. */
export { renderHtmlPage, renderPageHtml, pageCsp } from './render-page.js';
export { buildPageData, type PageData, type PageDataOptions, type PageFrame, type PageFinding, type PageTask, type PageEdge, type PageClass } from './page-data.js';
export { escapeHtml, jsonForScript } from './escape.js';
export { chainKey } from './chain-key.js';
export { pageSchedule, pageVerdict, type PageExploreInfo, type PageSchedule, type PageScheduleRow, type PageVerdict } from './page-explore.js';
