// The minor's form as data (DESIGN §3): sections, field kinds and the value lists, so the
// form, the profile and the labels stay in step with one list.

const PARENT = [
  'at_home', 'migrant_away', 'deceased', 'missing', 'lost_contact', 'incarcerated', 'compulsory_rehab',
  'restricted_liberty', 'severe_disability', 'severe_illness', 'guardianship_revoked', 'deported',
  'divorced_away', 'unknown',
];
export const MISBEHAVIOR_ORDINARY = [
  'smoking_drinking', 'truancy', 'staying_out', 'internet_addiction', 'bad_company', 'barred_venues',
  'gambling_superstition', 'harmful_content', 'other_bad',
];
export const MISBEHAVIOR_SERIOUS = [
  'affray', 'controlled_weapons', 'assault_intimidation', 'theft_robbery', 'obscene_material',
  'prostitution', 'drugs', 'large_gambling', 'criminal_act_underage', 'other_serious',
];
export const RISK_FLAGS = [
  'abuse_suspected', 'neglect', 'no_guardian', 'sexual_assault', 'bullying', 'runaway', 'self_harm',
  'early_marriage', 'trafficking', 'begging',
];
const AWAY = (status) => status && !['at_home', 'unknown'].includes(status);
const OUT_OF_SCHOOL = ['dropped_out', 'not_enrolled', 'working', 'graduated'];

const select = (name, values, extra = {}) => ({ name, kind: 'select', values, ...extra });

export const MINOR_SECTIONS = [
  ['basic', [
    { name: 'name', kind: 'text', required: true },
    select('gender', ['male', 'female'], { required: true }),
    { name: 'birth_date', kind: 'date', required: true },
    { name: 'id_number', kind: 'id' },
    select('hukou', ['rural', 'urban']),
  ]],
  ['family', [
    select('lives_with_parents', ['both', 'father', 'mother', 'neither']),
    select('father_status', PARENT, { group: 'parent_status' }),
    { name: 'father_status_since', kind: 'date', show: (d) => AWAY(d.father_status) },
    { name: 'father_evidence', kind: 'text', show: (d) => AWAY(d.father_status) },
    select('mother_status', PARENT, { group: 'parent_status' }),
    { name: 'mother_status_since', kind: 'date', show: (d) => AWAY(d.mother_status) },
    { name: 'mother_evidence', kind: 'text', show: (d) => AWAY(d.mother_status) },
    select('caregiver', ['parents', 'father', 'mother', 'grandparents', 'other_relative', 'none', 'institution']),
    { name: 'caregiver_capable', kind: 'yesno' },
    select('poverty', ['none', 'low_income', 'extreme_poverty']),
  ]],
  ['school', [
    select('school_status', ['preschool', 'in_school', 'dropped_out', 'not_enrolled', 'working', 'graduated']),
    { name: 'out_of_school_since', kind: 'date', show: (d) => OUT_OF_SCHOOL.includes(d.school_status) },
    { name: 'school', kind: 'text' },
  ]],
  ['health', [
    select('health', ['healthy', 'chronic_illness', 'serious_illness', 'disability']),
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

export const VISIT_KINDS = ['home', 'phone', 'school', 'other'];
export const FINDING_AREAS = ['living', 'health', 'study', 'safety', 'mental'];
export const MEASURES = [
  'psych_intervention', 'living_aid', 'legal_aid', 'school_transfer', 'medical', 'referral', 'guardian_education',
];

export const MANDATORY_KINDS = [
  'private_parts_injury', 'sexual_assault_under14', 'pregnancy_from_assault', 'injury_malnutrition_abuse',
  'self_harm_death', 'abandoned_no_care', 'missing_trafficked', 'organised_begging', 'other_serious_harm',
];
export const OTHER_KINDS = ['bullying', 'runaway', 'neglect', 'early_marriage', 'other'];
