// Facts about the domain the screens share: positions, topics, competencies, CV names and what
// a failed CV tells the candidate to do.
import { t, tv } from '../i18n/index.js';

/** @typedef {import('../api.js').CvRecord} CvRecord */
/** @typedef {import('../api.js').Position} Position */
/** @typedef {import('../api.js').BrowseQuery} BrowseQuery */
/** @typedef {NonNullable<BrowseQuery['topic']>} Topic */
/** @typedef {NonNullable<BrowseQuery['competency']>} Competency */

/** @type {Position[]} */
export const POSITIONS = ['ai', 'be', 'fe', 'mobile'];

/**
 * Topics per position, as bank/README.md lists them (and the contract enumerates them).
 * @type {Record<Position, Topic[]>}
 */
export const TOPICS = {
  ai: ['machine-learning', 'deep-learning', 'statistics', 'nlp', 'mlops'],
  be: ['databases', 'networking', 'operating-systems', 'distributed-systems', 'apis', 'security', 'concurrency'],
  fe: ['javascript', 'typescript', 'browsers', 'css', 'react', 'performance', 'accessibility'],
  mobile: ['ios', 'android', 'flutter', 'react-native', 'app-lifecycle', 'offline-and-performance'],
};

/**
 * The behavioral competencies of bank/behavioral.json.
 * @type {Competency[]}
 */
export const COMPETENCIES = ['adaptability', 'collaboration', 'leadership', 'growth-potential', 'prioritization', 'culture-add'];

/**
 * What a failed CV tells the candidate to do.
 * @param {CvRecord} cv
 * @returns {string}
 */
export function cvFailureText(cv) {
  if (cv.status === 'uploading') return t('cvs.failure.uploading');
  return tv('cvs.failure', cv.failure_reason ?? 'processing_error', t('cvs.failure.processing_error'));
}

/** @param {CvRecord} cv */
export function cvTitle(cv) {
  return cv.title || (cv.source === 'text' ? t('cvs.untitledText') : t('cvs.untitledPdf'));
}

/**
 * A job posting's requirement as the interface language says it.
 * @param {import('../api.js').Requirement} requirement
 * @param {string} lang
 */
export function requirementName(requirement, lang) {
  return lang === 'ko' ? requirement.name_ko : requirement.name;
}
