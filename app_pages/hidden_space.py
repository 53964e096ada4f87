"""Hidden space: the input plane as a hidden layer sees it (points and a warped grid, exact,
live while training here), and the confusion matrices with train and test accuracy."""

from ui import hidden_view

hidden_view.main()
