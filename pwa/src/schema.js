// The minor's form as data (DESIGN §3): sections, field kinds and the value lists, so the
// form, the profile and the labels stay in step with one list. The lists themselves come
// from server/core/codes.py, through the generated codes.js.
import { codesOf } from './codes.js';

const PARENT = codesOf('parent_status');
export const MISBEHAVIOR_ORDINARY = codesOf('misbehavior_ordinary');
export const MISBEHAVIOR_SERIOUS = codesOf('misbehavior_serious');
export const RISK_FLAGS = codesOf('risk_flags');
const AWAY = (status) => status && !['at_home', 'unknown'].includes(status);
const OUT_OF_SCHOOL = ['dropped_out', 'not_enrolled', 'working', 'graduated'];

const select = (name, values, extra = {}) => ({ name, kind: 'select', values, ...extra });

export const MINOR_SECTIONS = [
  ['basic', [
    { name: 'name', kind: 'text', required: true },
    select('gender', codesOf('gender'), { required: true }),
    { name: 'birth_date', kind: 'date', required: true },
    { name: 'id_number', kind: 'id' },
    select('hukou', codesOf('hukou')),
  ]],
  ['family', [
    select('lives_with_parents', codesOf('lives_with_parents')),
    select('father_status', PARENT, { group: 'parent_status' }),
    { name: 'father_status_since', kind: 'date', show: (d) => AWAY(d.father_status) },
    { name: 'father_evidence', kind: 'text', show: (d) => AWAY(d.father_status) },
    select('mother_status', PARENT, { group: 'parent_status' }),
    { name: 'mother_status_since', kind: 'date', show: (d) => AWAY(d.mother_status) },
    { name: 'mother_evidence', kind: 'text', show: (d) => AWAY(d.mother_status) },
    select('caregiver', codesOf('caregiver')),
    { name: 'caregiver_capable', kind: 'yesno' },
    select('poverty', codesOf('poverty')),
  ]],
  ['school', [
    select('school_status', codesOf('school_status')),
    { name: 'out_of_school_since', kind: 'date', show: (d) => OUT_OF_SCHOOL.includes(d.school_status) },
    { name: 'school', kind: 'text' },
  ]],
  ['health', [
    select('health', codesOf('health')),
    select('disability_grade', [1, 2, 3, 4], { show: (d) => d.health === 'disability', labels: (v) => `${v}级` }),
    { name: 'disability_kind', kind: 'text', show: (d) => d.health === 'disability' },
  ]],
  ['risk', [
    { name: 'misbehavior', kind: 'set', values: [...MISBEHAVIOR_ORDINARY, ...MISBEHAVIOR_SERIOUS] },
    { name: 'crime_victim', kind: 'yesno' },
    { name: 'risk_flags', kind: 'set', values: RISK_FLAGS },
  ]],
];

// The section a field lives in, so that a rejected field opens the right part of the form.
export function sectionOf(field) {
  for (const [section, fields] of MINOR_SECTIONS) {
    if (fields.some((f) => f.name === field)) return section;
  }
  return 'basic';
}

export const VISIT_KINDS = codesOf('visit_kind');
export const FINDING_AREAS = codesOf('finding_area');
export const FINDING_STATUSES = codesOf('finding_status');
export const MEASURES = codesOf('visit_measures');

export const MANDATORY_KINDS = codesOf('report_kind_mandatory');
export const OTHER_KINDS = codesOf('report_kind_other');
