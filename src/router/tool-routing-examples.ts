/**
 * The labelled set the local request classifier learns from: `documents` (a question for the
 * team's documents), `out-of-scope`, or `tool:<name>` for a classic-ML tool. Written by hand for
 * groundwork (questions in the style of the sample corpus and of analytics requests); the tool
 * names must match the `name` of the tools in src/classic-ml. Add examples here to teach a new tool.
 */
export interface ToolRoutingExample {
  text: string;
  label: string;
}

const documents = [
  'What is the parental leave policy?',
  'How many vacation days do new employees get?',
  'What does the onboarding checklist say about laptops?',
  'Who approves expense reports over 500 dollars?',
  'How do I reset the controller on the R2 robot arm?',
  'What is the maximum payload of the Northwind picker?',
  'Where is the escalation procedure for a production outage documented?',
  'What are the safety requirements for the warehouse floor?',
  'Which firmware version fixed the gripper calibration bug?',
  'How do I request access to the staging environment?',
  'What does the handbook say about remote work?',
  'What is our refund policy for enterprise customers?',
  'Summarize the incident review from the March outage',
  'What is the warranty period for the docking station?',
  'How often are performance reviews held?',
  'What are the steps to install the fleet management software?',
  'Which regions does the support team cover?',
  'What is the code of conduct on gifts from vendors?',
  'How do I configure single sign-on for the dashboard?',
  'What battery does the mobile robot use and how long does it last?',
  'Explain the travel booking process',
  'What did the architecture document decide about message queues?',
  'Who is the contact for security questions?',
  'What error codes can the motor controller report?',
];

const outOfScope = [
  'Write me a poem about the sea',
  'What is the weather in Paris tomorrow?',
  'Tell me a joke',
  'Who won the football world cup in 2018?',
  'Translate good morning into Japanese',
  'What is the capital of Australia?',
  'Can you book me a flight to Berlin?',
  'Recommend a good movie for tonight',
  'What is the stock price of Apple right now?',
  'Play some music',
  'Write a love letter for my partner',
  'How tall is Mount Everest?',
  'Give me a recipe for lasagna',
  'What will bitcoin be worth next year?',
];

const tools: Record<string, string[]> = {
  'ab-sample-size': [
    'How many users per variant do I need to detect a 2% lift in conversion?',
    'What sample size do we need for an A/B test with baseline rate 10% and minimum detectable effect 1 point?',
    'Compute the required sample size for an experiment with 80% power and alpha 0.05',
    'How long must the experiment run to detect a 5% relative change?',
    'Power analysis: how many visitors per arm for a conversion test?',
    'Minimum sample size for a two-proportion test',
  ],
  'ab-test': [
    'Is the difference in conversion between variant A and variant B significant?',
    'Analyze the A/B test results: control 120 of 2400, treatment 150 of 2380',
    'Did the new checkout page increase conversions? Here are the counts per group',
    'Compute the p-value and confidence interval for our experiment results',
    'Which variant won the experiment, and is the lift statistically significant?',
    'Run a significance test on these two groups',
  ],
  'data-quality': [
    'Check this dataset for missing values and duplicates',
    'Profile the columns of this CSV and report data quality problems',
    'Are there null values or invalid types in my table?',
    'Validate the data: find duplicated rows and out of range values',
    'Run a data quality report on the customer file',
    'How many rows have missing fields in this csv?',
  ],
  'drift': [
    'Has the distribution of the features shifted since last month?',
    'Compare this week\'s data with the training data for drift',
    'Compute the population stability index for the income column',
    'Detect data drift between the reference and current datasets',
    'Is there covariate shift in the new batch of predictions?',
    'Run a Kolmogorov-Smirnov test between the two samples',
    'Which features drifted in production compared to training?',
    'Did the score distribution change after the release?',
  ],
  'fairness': [
    'Is my model fair across gender groups?',
    'Compute demographic parity and equalized odds for these predictions',
    'Check the classifier for bias against age groups',
    'Report false positive rates per ethnicity for the loan model',
    'Does the model treat protected groups differently?',
    'Run a fairness audit on the scoring model',
    'Is the hiring model biased against women?',
    'Are approval rates different between demographic groups?',
    'Check the disparate impact ratio against the 80% rule',
  ],
  'anomalies': [
    'Find anomalies in these transactions',
    'Which rows in this dataset are outliers?',
    'Detect unusual sensor readings in the telemetry data',
    'Flag fraudulent looking payments with an isolation forest',
    'Spot abnormal values in the daily metrics',
    'Run anomaly detection on the server latency series',
  ],
  'leakage-check': [
    'Does any feature leak the target?',
    'Check my training data for target leakage',
    'Is there a column that is too predictive of the label?',
    'Find features that would not be available at prediction time',
    'Audit the feature set for leakage before training',
    'Which features are suspiciously correlated with the outcome?',
  ],
  'classification-metrics': [
    'Compute precision, recall and AUC for these predictions',
    'Evaluate my classifier: accuracy and F1 on this test set',
    'Give me the confusion matrix for the model outputs',
    'Calculate the ROC AUC and log loss of my scores',
    'How well calibrated are these predicted probabilities?',
    'What is the Brier score of the churn classifier?',
  ],
  'regression-metrics': [
    'What is the RMSE and MAE of these regression predictions?',
    'Compute R squared for my price forecasts',
    'How far off are the demand predictions on average?',
    'Score the regression model: mean absolute error and RMSE',
    'Evaluate the forecast errors against the actual values',
  ],
  train: [
    'Train a model to predict churn from this csv',
    'Fit a gradient boosting classifier on the labelled data',
    'Build a baseline logistic regression for the target column',
    'Train a regression model on the sales table',
    'Fit a model with cross validation on this dataset',
  ],
  predict: [
    'Score these new rows with the saved model',
    'Use the trained model to predict the outcome for these customers',
    'Run predictions for this batch with model churn-v2',
    'Apply the saved model to the new data',
    'Predict probabilities for these records',
  ],
  features: [
    'Suggest features to engineer from these columns',
    'Compute derived features for the transactions table',
    'Encode the categorical columns and scale the numeric ones',
    'Which transformations should I apply to the raw columns before modelling?',
    'Build a feature table from this csv',
  ],
  'model-card': [
    'Write a model card for the churn model',
    'Document the model: intended use, data, metrics and limitations',
    'Generate model documentation for the review board',
    'Create a model card from the training report',
  ],
};

/** The shipped labelled set. */
export const TOOL_ROUTING_EXAMPLES: readonly ToolRoutingExample[] = Object.freeze([
  ...documents.map((text) => ({ text, label: 'documents' })),
  ...outOfScope.map((text) => ({ text, label: 'out-of-scope' })),
  ...Object.entries(tools).flatMap(([name, texts]) => texts.map((text) => ({ text, label: `tool:${name}` }))),
]);
