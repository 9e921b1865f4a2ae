import { css } from 'lit';

/** Look shared by every page: type, buttons with a visible focus ring, cards, notices. */
export const sharedStyles = css`
  :host {
    --primary: #1d4ed8;
    --primary-dark: #1e3a8a;
    --text: #1a1a1a;
    --muted: #4b5563;
    --border: #d1d5db;
    --surface: #ffffff;
    --danger: #b91c1c;
    --danger-bg: #fef2f2;
    --success: #166534;
    --success-bg: #f0fdf4;
    --warning: #92400e;
    --warning-bg: #fffbeb;
    --focus: #f59e0b;
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
    font-size: 1.25rem;
  }
  h1:focus {
    outline: none;
  }
  p {
    margin: 0 0 0.75rem;
  }
  .muted {
    color: var(--muted);
  }
  .card {
    background: var(--surface);
    border: 1px solid var(--border);
    border-radius: 12px;
    padding: 1.25rem;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.75rem;
    margin-top: 1.25rem;
  }
  button {
    font: inherit;
    font-weight: 600;
    min-height: 44px;
    padding: 0.6rem 1.2rem;
    border-radius: 8px;
    border: 2px solid var(--primary);
    background: var(--primary);
    color: #fff;
    cursor: pointer;
  }
  button:hover:not(:disabled) {
    background: var(--primary-dark);
    border-color: var(--primary-dark);
  }
  button.secondary {
    background: #fff;
    color: var(--primary);
  }
  button.secondary:hover:not(:disabled) {
    background: #eff6ff;
    color: var(--primary-dark);
  }
  button.danger {
    background: var(--danger);
    border-color: var(--danger);
  }
  button:disabled {
    opacity: 0.55;
    cursor: not-allowed;
  }
  button:focus-visible,
  select:focus-visible,
  video:focus-visible,
  a:focus-visible {
    outline: 3px solid var(--focus);
    outline-offset: 2px;
  }
  a {
    color: var(--primary);
  }
  label {
    display: block;
    font-weight: 600;
    margin-bottom: 0.25rem;
  }
  select {
    font: inherit;
    width: 100%;
    min-height: 44px;
    padding: 0.4rem 0.5rem;
    border: 1px solid #6b7280;
    border-radius: 8px;
    background: #fff;
    color: var(--text);
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
  video {
    display: block;
    width: 100%;
    aspect-ratio: 4 / 3;
    object-fit: cover;
    background: #111827;
    border-radius: 10px;
  }
  video.mirrored {
    transform: scaleX(-1);
  }
  @media (prefers-reduced-motion: reduce) {
    * {
      transition: none !important;
      animation: none !important;
    }
  }
`;
