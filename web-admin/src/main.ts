// Entry point of the recruiter and reviewer app, served at /admin/.
import './components/admin-app.ts';
