"""The app's pages, in menu order: title -> page script (app.py builds the menu from it; a
lesson's stop names the page it shows by its title)."""

PAGES = {
    "Playground": "app_pages/playground.py",
    "Gradients": "app_pages/gradients.py",
    "Step-through": "app_pages/step_through.py",
    "Lesson": "app_pages/lesson.py",
    "Hidden space": "app_pages/hidden_space.py",
    "Loss surface": "app_pages/loss_surface.py",
    "Lessons": "app_pages/lessons.py",
}
