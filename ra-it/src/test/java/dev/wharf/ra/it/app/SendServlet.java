package dev.wharf.ra.it.app;

import jakarta.ejb.EJB;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The test's way in: {@code /send?mode=cf|context|inject|indoubt&queue=q&text=t[&rollback=true][&marker=dir]}
 * calls {@link OrderService}; answers "sent" or the exception.
 */
@WebServlet("/send")
public class SendServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @EJB
    private OrderService service;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String queue = req.getParameter("queue");
        String text = req.getParameter("text");
        boolean rollback = Boolean.parseBoolean(req.getParameter("rollback"));
        try {
            switch (String.valueOf(req.getParameter("mode"))) {
                case "cf" -> service.send(queue, text, rollback);
                case "context" -> service.sendWithContext(queue, text, rollback);
                case "inject" -> service.sendWithInjectedContext(queue, text, rollback);
                case "indoubt" -> service.sendInDoubt(queue, text, req.getParameter("marker"));
                default -> throw new IllegalArgumentException("mode: " + req.getParameter("mode"));
            }
            resp.getWriter().print("sent");
        } catch (Exception e) {
            resp.setStatus(500);
            resp.getWriter().print("failed: " + e);
        }
    }
}
