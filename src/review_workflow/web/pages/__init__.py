"""The pages, one module per area. Each route reads the session, calls one or two service functions and
renders a template; no rule of the business lives here."""
