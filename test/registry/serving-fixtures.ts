import type { SourceItem } from '../../src/ingest/pipeline.js';

/** One fact per document, and a question each answers. */
export const FACTS: Array<{ id: string; title: string; text: string; question: string; answer: string }> = [
  { id: 'travel.md', title: 'Travel Policy', text: 'Employees travelling overnight receive a flat per diem of EUR 60 per day for meals.', question: 'How much is the per diem for meals when travelling overnight?', answer: 'EUR 60 per day' },
  { id: 'security.md', title: 'Security Policy', text: 'Laptop screens lock automatically after five minutes of inactivity.', question: 'After how many minutes of inactivity do laptop screens lock?', answer: 'five minutes' },
  { id: 'support.md', title: 'Support SLA', text: 'Priority one tickets receive a first response within 30 minutes.', question: 'How fast is the first response to priority one tickets?', answer: 'within 30 minutes' },
  { id: 'parking.md', title: 'Parking', text: 'Each employee may reserve one parking space in the garage on Elm Street.', question: 'Where can employees reserve a parking space?', answer: 'in the garage on Elm Street' },
  { id: 'leave.md', title: 'Parental Leave', text: 'New parents receive sixteen weeks of paid parental leave.', question: 'How many weeks of paid parental leave do new parents receive?', answer: 'sixteen weeks' },
  { id: 'training.md', title: 'Training Budget', text: 'Every engineer has a yearly training budget of EUR 1,500 for courses and books.', question: 'What is the yearly training budget of an engineer?', answer: 'EUR 1,500' },
  { id: 'equipment.md', title: 'Equipment', text: 'The company provides two external monitors for every desk in the office.', question: 'How many external monitors does the company provide for every desk?', answer: 'two external monitors' },
  { id: 'badges.md', title: 'Badges', text: 'Lost access badges are replaced by the reception desk on the ground floor.', question: 'Who replaces lost access badges?', answer: 'the reception desk' },
  { id: 'canteen.md', title: 'Canteen', text: 'The canteen serves lunch from noon until half past two on weekdays.', question: 'When does the canteen serve lunch?', answer: 'from noon until half past two' },
  { id: 'wifi.md', title: 'Guest Wifi', text: 'Guests connect to the wireless network named Visitor with the password printed at reception.', question: 'Which wireless network do guests connect to?', answer: 'Visitor' },
  { id: 'expenses.md', title: 'Expenses', text: 'Expense reports must be submitted within thirty days of the purchase.', question: 'Within how many days must expense reports be submitted?', answer: 'thirty days' },
  { id: 'remote.md', title: 'Remote Work', text: 'Staff may work remotely up to three days per week with their manager\'s agreement.', question: 'How many days per week may staff work remotely?', answer: 'three days per week' },
];

/** Questions none of the documents answer. */
export const UNANSWERABLE = [
  'Who founded the company in 1887?',
  'What colour is the office cafeteria carpet?',
  'How tall is the tallest tree in the courtyard?',
  'Which football team does the chief executive support?',
  'What is the name of the office cat?',
  'How many windows does the north tower have?',
  'What was the share price on the first trading day?',
  'Which composer plays in the lobby on Fridays?',
  'How deep is the pond behind the warehouse?',
  'What is the favourite dessert of the finance team?',
  'Who painted the mural in the basement?',
  'Which airline flies the board to conferences?',
];

export const factItems = (): SourceItem[] => FACTS.map((f) => ({ document: { externalId: f.id, source: `/docs/${f.id}`, title: f.title, text: f.text, format: 'text', metadata: {} } }));

/** A phrase every document of handbookItems shares: a question with it has every document as a candidate (judged and not), what a ranker learns from. */
export const HANDBOOK = 'company handbook';

/** FACTS' documents, each ending with HANDBOOK. */
export const handbookItems = (): SourceItem[] => FACTS.map((f) => ({ document: { externalId: f.id, source: `/docs/${f.id}`, title: f.title, text: `${f.text} From the ${HANDBOOK}.`, format: 'text', metadata: {} } }));

/** A FACTS question as a user asks it of the handbook (other words than the golden set's). */
export const handbookQuestion = (question: string): string => `${question.replace(/\?$/, '')} according to the ${HANDBOOK}?`;

/** A golden set over FACTS with a few unanswerable questions (JSON Lines). */
export function goldenLines(): string {
  const answerable = FACTS.map((f, i) => ({ id: `a${i}`, question: f.question, reference_answer: f.answer, relevant_doc_ids: [f.id], answerable: true }));
  const unanswerable = UNANSWERABLE.slice(0, 4).map((question, i) => ({ id: `u${i}`, question, answerable: false }));
  return [...answerable, ...unanswerable].map((item) => JSON.stringify(item)).join('\n');
}
