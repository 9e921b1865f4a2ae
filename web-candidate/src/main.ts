// Entry point of the candidate app, served for /i/<token>.
import './components/interview-app.ts';
