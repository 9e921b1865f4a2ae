import { css } from 'lit';

/** Look shared by every page: type, buttons and fields with a visible focus ring, cards, tables, badges, notices. */
export const sharedStyles = css`
  :host {
    --primary: #1d4ed8;
    --primary-dark: #1e3a8a;
    --primary-soft: #eff6ff;
    --text: #1a1a1a;
    --muted: #4b5563;
    --border: #d1d5db;
    --border-strong: #6b7280;
    --surface: #ffffff;
    --page: #f3f4f6;
    --danger: #b91c1c;
    --danger-bg: #fef2f2;
    --success: #166534;
    --success-bg: #f0fdf4;
    --warning: #92400e;
    --warning-bg: #fffbeb;
    --focus: #f59e0b;
    --radius: 10px;
    display: block;
    color: var(--text);
    font-size: 1rem;
    line-height: 1.5;
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  [hidden] {
    display: none !important;
  }
  h1,
  h2,
  h3 {
    line-height: 1.25;
    margin: 0 0 0.75rem;
  }
  h1 {
    font-size: 1.6rem;
  }
  h2 {
    font-size: 1.2rem;
  }
  h3 {
    font-size: 1.05rem;
  }
  h1:focus {
    outline: none;
  }
  p {
    margin: 0 0 0.75rem;
  }
  a {
    color: var(--primary);
  }
  a:hover {
    color: var(--primary-dark);
  }
  .muted {
    color: var(--muted);
  }
  .small {
    font-size: 0.875rem;
  }
  .card {
    background: var(--surface);
    border: 1px solid var(--border);
    border-radius: var(--radius);
    padding: 1.25rem;
  }
  .page-header {
    display: flex;
    flex-wrap: wrap;
    align-items: flex-start;
    justify-content: space-between;
    gap: 0.75rem 1rem;
    margin-bottom: 1.25rem;
  }
  .page-header h1 {
    margin: 0;
  }
  .page-header p {
    margin: 0.25rem 0 0;
  }
  .breadcrumbs {
    font-size: 0.9rem;
    margin-bottom: 0.35rem;
    color: var(--muted);
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5rem;
  }
  button,
  .button {
    font: inherit;
    font-weight: 600;
    font-size: 0.95rem;
    min-height: 40px;
    padding: 0.45rem 1rem;
    border-radius: 8px;
    border: 2px solid var(--primary);
    background: var(--primary);
    color: #fff;
    cursor: pointer;
    text-decoration: none;
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 0.4rem;
    white-space: nowrap;
  }
  button:hover:not(:disabled),
  .button:hover {
    background: var(--primary-dark);
    border-color: var(--primary-dark);
    color: #fff;
  }
  button.secondary,
  .button.secondary {
    background: #fff;
    color: var(--primary);
  }
  button.secondary:hover:not(:disabled),
  .button.secondary:hover {
    background: var(--primary-soft);
    color: var(--primary-dark);
  }
  button.danger {
    background: var(--danger);
    border-color: var(--danger);
  }
  button.danger:hover:not(:disabled) {
    background: #991b1b;
    border-color: #991b1b;
  }
  button.danger.secondary {
    background: #fff;
    color: var(--danger);
  }
  button.danger.secondary:hover:not(:disabled) {
    background: var(--danger-bg);
    color: #991b1b;
  }
  button.link {
    background: none;
    border: none;
    color: var(--primary);
    padding: 0.25rem 0.35rem;
    min-height: 32px;
    text-decoration: underline;
    font-weight: 600;
  }
  button.link:hover:not(:disabled) {
    background: var(--primary-soft);
    color: var(--primary-dark);
  }
  button.small,
  .button.small {
    min-height: 34px;
    padding: 0.25rem 0.7rem;
    font-size: 0.875rem;
  }
  button:disabled {
    opacity: 0.55;
    cursor: not-allowed;
  }
  button:focus-visible,
  .button:focus-visible,
  a:focus-visible,
  input:focus-visible,
  select:focus-visible,
  textarea:focus-visible,
  video:focus-visible,
  summary:focus-visible,
  [tabindex]:not([tabindex='-1']):focus-visible {
    outline: 3px solid var(--focus);
    outline-offset: 2px;
  }
  label,
  .label {
    display: block;
    font-weight: 600;
    margin-bottom: 0.25rem;
  }
  .field {
    margin-bottom: 1rem;
  }
  .hint {
    display: block;
    font-size: 0.875rem;
    color: var(--muted);
    font-weight: 400;
    margin-top: 0.2rem;
  }
  .field-error {
    display: block;
    color: var(--danger);
    font-size: 0.875rem;
    margin-top: 0.2rem;
  }
  input[type='text'],
  input[type='email'],
  input[type='password'],
  input[type='search'],
  input[type='url'],
  input[type='number'],
  input[type='date'],
  input[type='tel'],
  select,
  textarea {
    font: inherit;
    width: 100%;
    min-height: 40px;
    padding: 0.4rem 0.6rem;
    border: 1px solid var(--border-strong);
    border-radius: 8px;
    background: #fff;
    color: var(--text);
  }
  input[aria-invalid='true'],
  textarea[aria-invalid='true'] {
    border-color: var(--danger);
  }
  textarea {
    min-height: 6rem;
    resize: vertical;
  }
  input[type='checkbox'],
  input[type='radio'] {
    width: 1.15rem;
    height: 1.15rem;
    accent-color: var(--primary);
  }
  .check {
    display: flex;
    align-items: center;
    gap: 0.5rem;
    font-weight: 400;
  }
  fieldset {
    border: none;
    padding: 0;
    margin: 0 0 1rem;
  }
  legend {
    font-weight: 600;
    padding: 0;
    margin-bottom: 0.35rem;
  }
  .notice {
    border-radius: 8px;
    padding: 0.75rem 1rem;
    margin: 0.75rem 0;
    border: 1px solid;
  }
  .notice.error {
    color: var(--danger);
    background: var(--danger-bg);
    border-color: #fecaca;
  }
  .notice.warning {
    color: var(--warning);
    background: var(--warning-bg);
    border-color: #fde68a;
  }
  .notice.success {
    color: var(--success);
    background: var(--success-bg);
    border-color: #bbf7d0;
  }
  .notice.info {
    color: var(--primary-dark);
    background: var(--primary-soft);
    border-color: #bfdbfe;
  }
  .table-wrap {
    overflow-x: auto;
    background: var(--surface);
    border: 1px solid var(--border);
    border-radius: var(--radius);
  }
  table {
    width: 100%;
    border-collapse: collapse;
    font-size: 0.95rem;
  }
  th,
  td {
    text-align: left;
    padding: 0.6rem 0.75rem;
    border-bottom: 1px solid #e5e7eb;
    vertical-align: middle;
  }
  th {
    font-size: 0.85rem;
    font-weight: 700;
    color: #374151;
    background: #f9fafb;
    white-space: nowrap;
  }
  tbody tr:last-child td {
    border-bottom: none;
  }
  tbody tr:hover {
    background: #f9fafb;
  }
  .empty {
    padding: 2rem 1rem;
    text-align: center;
    color: var(--muted);
  }
  .badge {
    display: inline-block;
    padding: 0.1rem 0.55rem;
    border-radius: 999px;
    font-size: 0.8rem;
    font-weight: 700;
    border: 1px solid;
    white-space: nowrap;
  }
  .badge.neutral {
    color: #374151;
    background: #f3f4f6;
    border-color: #d1d5db;
  }
  .badge.blue {
    color: #1e40af;
    background: #eff6ff;
    border-color: #bfdbfe;
  }
  .badge.green {
    color: var(--success);
    background: var(--success-bg);
    border-color: #bbf7d0;
  }
  .badge.amber {
    color: var(--warning);
    background: var(--warning-bg);
    border-color: #fde68a;
  }
  .badge.red {
    color: var(--danger);
    background: var(--danger-bg);
    border-color: #fecaca;
  }
  .badge.purple {
    color: #6b21a8;
    background: #faf5ff;
    border-color: #e9d5ff;
  }
  code,
  .mono {
    font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
    font-size: 0.9em;
  }
  .secret {
    display: block;
    font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
    background: #111827;
    color: #f9fafb;
    padding: 0.6rem 0.75rem;
    border-radius: 8px;
    word-break: break-all;
    margin: 0.5rem 0;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    padding: 0;
    margin: -1px;
    overflow: hidden;
    clip: rect(0, 0, 0, 0);
    white-space: nowrap;
    border: 0;
  }
  dialog {
    border: none;
    border-radius: 12px;
    padding: 0;
    width: min(40rem, calc(100vw - 2rem));
    max-height: calc(100vh - 2rem);
    box-shadow: 0 20px 50px rgb(0 0 0 / 0.3);
    color: var(--text);
  }
  dialog::backdrop {
    background: rgb(17 24 39 / 0.55);
  }
  .dialog-body {
    padding: 1.25rem 1.5rem;
  }
  .dialog-footer {
    display: flex;
    justify-content: flex-end;
    flex-wrap: wrap;
    gap: 0.5rem;
    padding: 1rem 1.5rem;
    border-top: 1px solid #e5e7eb;
    background: #f9fafb;
    border-radius: 0 0 12px 12px;
  }
  .loading {
    padding: 2rem 0;
    color: var(--muted);
  }
  /* Two form fields side by side (first and last name, email and phone), one above the other on a phone. */
  .field-pair {
    display: grid;
    grid-template-columns: 1fr 1fr;
    gap: 0 1rem;
  }
  @media (max-width: 600px) {
    .field-pair {
      grid-template-columns: 1fr;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    * {
      transition: none !important;
      animation: none !important;
    }
  }
`;
