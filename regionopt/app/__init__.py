"""``regionopt serve``: a local web app to test a change in the browser.

``state`` (tabs' plans, undo/redo; pure Python), ``service`` (the workbench: what-if, repair,
search, downloads on the data loaded once), ``views`` (results as JSON), ``shapes`` (region
polygons of any plan, fast), ``guard`` (host, token, body size), ``assets`` (the page and
Leaflet as package files), ``api`` (the Starlette routes). ``static/`` holds the page: plain
HTML, CSS and JavaScript, no build step.
"""
