/** Types of cases.mjs (see there). */
export interface AgreementCase {
  name: string;
  template: string;
  vars: Record<string, unknown>;
  files: Record<string, string>;
}
export declare const FIXTURE_PATH: string;
export declare function agreementCases(): AgreementCase[];
export declare function caseKey(c: AgreementCase): string;
